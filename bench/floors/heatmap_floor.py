"""Floor of the Review and Portfolio reruns: the same heatmap figure in st.plotly_chart."""

import os
import pickle

import streamlit as st


@st.cache_resource
def shown(path: str):
    with open(path, "rb") as file:
        return pickle.load(file)


st.plotly_chart(shown(os.environ["BENCH_SHOWN"]), on_select="rerun", selection_mode="points", key="heatmap")
