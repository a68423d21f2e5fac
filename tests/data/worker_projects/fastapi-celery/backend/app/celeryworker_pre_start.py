print("waiting for the database")
