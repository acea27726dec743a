"""Floor of the Editor rerun: the same table in st.data_editor and the same figure in st.plotly_chart."""

import os
import pickle

import streamlit as st


@st.cache_resource
def shown(path: str):
    with open(path, "rb") as file:
        return pickle.load(file)


frame, figure = shown(os.environ["BENCH_SHOWN"])
st.plotly_chart(figure, on_select="rerun", selection_mode="points", key="map")
st.data_editor(frame, num_rows="dynamic", key="touchpoints")
