"""The build pipeline: plan, execute, export, site pages, PDF, student copies, the fact audit."""
