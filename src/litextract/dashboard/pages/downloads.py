from litextract.dashboard.downloads import render

render()
