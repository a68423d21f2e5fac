from invoices import create_app

app = create_app()
