/** The admin token test services are started with. */
export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789';
