import streamlit as st

st.write("Journey Workbench")
