"""The Streamlit shell: gathers input, calls policy/, draws. No rule lives here."""
