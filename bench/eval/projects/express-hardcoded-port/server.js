const express = require('express');
const mongoose = require('mongoose');
const routes = require('./routes/links');

const PORT = 3000;
const app = express();
app.use(express.json());
app.use('/api', routes);

mongoose.connect(process.env.MONGO_URL).then(() => {
  app.listen(PORT, () => console.log(`Server running on port ${PORT}`));
});
