def export_posts(user_id: int) -> None:
    print(f"exporting posts of {user_id}")
