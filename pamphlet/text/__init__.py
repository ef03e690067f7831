"""Preparing an edition's text: Markdown to HTML, typesetting, facts, languages, fonts, templates."""
