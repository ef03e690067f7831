"""Printer sheets: reading-order pages imposed onto sheets."""
