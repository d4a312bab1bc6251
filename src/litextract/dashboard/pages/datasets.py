from litextract.dashboard.datasets import render

render()
