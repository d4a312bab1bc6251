from litextract.dashboard.review_queue import render

render()
