"""The litextract dashboard: `streamlit run app.py` (or `litextract review`); LITEXTRACT_DB picks the database."""

from litextract.dashboard.app import main

main()
