const api = process.env.NEXT_PUBLIC_API_URL;
export default function Page() {
  return <a href={`${api}/healthz`}>status</a>;
}
