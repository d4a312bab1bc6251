from litextract.dashboard.leaderboards import render

render()
