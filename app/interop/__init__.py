"""Interop: Keras model JSON in; Keras code, the Keras-style table, Markdown, CSV, JSON out.

Pure modules: no web imports. Numbers come from `app.core.model.summarize`; these modules only
translate and format.
"""
