import pandas as pd
import streamlit as st

st.write(pd.DataFrame({'a': [1]}))
