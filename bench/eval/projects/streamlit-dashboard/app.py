import os

import pandas as pd
import streamlit as st
from sqlalchemy import create_engine

engine = create_engine(os.environ["DATABASE_URL"])
st.title("Orders")
st.dataframe(pd.read_sql("select * from orders limit 100", engine))
