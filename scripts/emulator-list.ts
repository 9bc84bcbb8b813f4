/** Where a running Google emulator listens, and the token it takes. */
export interface EmulatorAddress {
  rootUrl: string;
  accessToken: string;
  customerId: string;
}

/**
 * One page of the emulator's device list, asked for as a client asks (`query` after the `?`);
 * an error status throws. Shared by the bench and the emulator's own commands, which must not
 * load the bench's clients.
 */
export async function listDevices(emulator: EmulatorAddress, query: string): Promise<Response> {
  const url = `${emulator.rootUrl}admin/directory/v1/customer/${emulator.customerId}/devices/chromeos?${query}`;
  const res = await fetch(url, { headers: { authorization: `Bearer ${emulator.accessToken}` } });
  if (!res.ok) throw new Error(`the device list (${query}) answered ${res.status}`);
  return res;
}
