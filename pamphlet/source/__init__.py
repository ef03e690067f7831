"""Reading what the user wrote: pamphlet.yaml, the Markdown files and their front matter, the variants table."""
