"""The course's assignments, one package each: the public part of every exercise (what
students install with the engine). Their reference solutions are in reference/<assignment>/."""
