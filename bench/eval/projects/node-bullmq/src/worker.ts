import { Worker } from 'bullmq';
import nodemailer from 'nodemailer';
import { connection } from './queue';

const transport = nodemailer.createTransport({
  host: process.env.SMTP_HOST,
  auth: { user: 'apikey', pass: process.env.SMTP_PASSWORD },
});
new Worker('mail', async (job) => transport.sendMail(job.data), { connection });
