"""pamphlet: print-ready leaflets, booklets and zines from YAML + Markdown."""

__version__ = "0.1.0"
