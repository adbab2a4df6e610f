"""Web front end: the Gradio chat, the JSON API and the clinic embed page.

Importing this package switches telemetry off before anything can import gradio.
"""

from ..offline import apply_offline_env

apply_offline_env()
