from litextract.dashboard.papers import render

render()
