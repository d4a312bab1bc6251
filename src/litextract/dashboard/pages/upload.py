from litextract.dashboard.upload import render

render()
