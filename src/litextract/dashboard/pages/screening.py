from litextract.dashboard.screening import render

render()
