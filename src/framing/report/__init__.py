"""The report stage: analysis results -> a typed ``Report`` (issue 15).

Importing this package loads no analysis code: the builder modules (``build``, ``aggregate``,
``frames``, ``stance``, ``loaded_terms``, ``profile``) are imported where they are used, and
renderers only import ``model``, ``vocab`` and ``schema``.
"""
