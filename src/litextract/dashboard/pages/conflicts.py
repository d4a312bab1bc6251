from litextract.dashboard.conflicts import render

render()
