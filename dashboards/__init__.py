"""The gridsight Streamlit decision platform (大数据分析决策平台). Reads serving snapshots only."""
