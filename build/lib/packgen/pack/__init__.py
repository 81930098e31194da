"""The pack model: everything one provider's pack shows, as plain data (no I/O).

`packgen.pack.model` defines the shapes; `packgen.pack.build` fills them from the store in a few
set-based queries; the renderers (`packgen.render`) only format them.
"""
