"""Reference implementations (instructors only: never shipped in the autograder package)."""
