"""The Streamlit dashboard: `streamlit run app.py` or `litextract review`. One module per view."""
