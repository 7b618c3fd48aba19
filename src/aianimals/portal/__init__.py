"""The administrators' moderation portal (Streamlit): review violations, audit, charts."""
