"""The Streamlit floor: one slider, one metric, one Altair line chart of 303 points. Benchmarks measure
the calculator as a ratio to this, served and driven the same way."""
import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

value = st.slider("Project completion (%)", 0, 100, 0, key="w_completion_pct")
st.metric("Refund", f"${(100 - value) * 50:,.2f}")
x = np.arange(101)
data = pd.DataFrame(
    {"x": np.tile(x, 3), "y": np.concatenate([(100 - x) * k for k in (30, 40, 50)]), "g": np.repeat(list("abc"), 101)}
)
st.altair_chart(alt.Chart(data).mark_line().encode(x="x:Q", y="y:Q", color="g:N"))
