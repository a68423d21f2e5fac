port ENV.fetch('PORT', 8080)
workers ENV.fetch('WEB_CONCURRENCY', 2)
