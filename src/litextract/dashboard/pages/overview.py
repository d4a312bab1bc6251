from litextract.dashboard.overview import render

render()
