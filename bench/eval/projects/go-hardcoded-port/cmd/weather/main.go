package main

import "github.com/gin-gonic/gin"

func main() {
	r := gin.Default()
	r.GET("/forecast", func(c *gin.Context) { c.JSON(200, gin.H{"ok": true}) })
	r.Run(":9000")
}
