import useSWR from 'swr';

const api = process.env.NEXT_PUBLIC_API_URL;

export default function Home() {
  const { data } = useSWR(`${api}/products`, (u: string) => fetch(u).then((r) => r.json()));
  return <main>{JSON.stringify(data)}</main>;
}
