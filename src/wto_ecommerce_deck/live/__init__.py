"""The live deck: JupyterLab + jupyterlab-rise on 127.0.0.1 (`make present`)."""
