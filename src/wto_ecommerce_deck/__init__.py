"""« Le commerce électronique à l'OMC »: facts, figures and the build of the teaching deck."""

__version__ = "0.1.0"
