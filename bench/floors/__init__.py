"""Bare Streamlit scripts: the floor of the page and start-up rows (run by AppTest or ``streamlit run``)."""
