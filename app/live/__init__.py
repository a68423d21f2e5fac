"""Live Cloud Run: read the state of a plan's services and jobs, and deploy them, through the Run v2 API.

`status` fetches and models what is deployed, `deploy` turns a plan into Run v2 Service/Job
messages and applies them, `diff` compares the fields launchdeck manages, `render` prints it all.
Google libraries are imported inside functions only, so importing this package stays cheap.
"""
