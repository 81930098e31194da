"""packgen: NHS productivity and efficiency opportunity packs for every provider."""

__version__ = "0.1.0"
