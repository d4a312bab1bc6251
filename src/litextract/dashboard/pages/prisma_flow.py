from litextract.dashboard.prisma_flow import render

render()
