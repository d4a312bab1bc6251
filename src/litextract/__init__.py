"""litextract: a trustworthy, comparable table of what a folder of medical-imaging papers reports."""

__version__ = "0.1.0"
