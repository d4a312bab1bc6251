from litextract.cli import app

app(prog_name="litextract")
