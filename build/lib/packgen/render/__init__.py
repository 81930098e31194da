"""Renderers: turn a `packgen.pack.model.Pack` into HTML/PDF and Excel. They only format."""
