# Appended to the image repo2docker builds from the student branch (repo2docker --appendix): nbgitpuller, which
# the lesson links and singleuser.defaultUrl use to pull the module into each student's home folder. The
# version is the one the classroom test runs (requirements-dev.txt). repo2docker's environment already has
# jupyterhub-singleuser (JupyterHub 5, the same major version as the hub of chart 4.x).
RUN python -m pip install --no-cache-dir nbgitpuller==1.3.0
# rfc3987-syntax (and lark, which only it uses) come with jsonschema's format checkers. Every Jupyter server
# imports jsonschema, and rfc3987-syntax builds a grammar when imported: about 15 MB in each student's server
# and seconds of CPU at each start (docs/deployment.md, "Capacity"). It checks only the "iri" formats, which
# no Jupyter schema uses. The build fails if the module is still importable.
RUN python -m pip uninstall --yes rfc3987-syntax lark \
 && ! python -c "import rfc3987_syntax" 2>/dev/null
