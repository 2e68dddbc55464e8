"""What an article is about and where: regions, topics, language, and the routing topics they feed."""
