/**
 * The example's two stacks. The auth stack deploys first; the notes stack
 * reads the authorizer's ARN from SSM when it deploys, so neither exports
 * anything to the other.
 */
import { type App, Stack } from 'aws-cdk-lib';
import { JwtAuth } from 'serverless-jwt-auth';
import { NotesStack } from './notes-stack';

export interface NotesApp {
  authStack: Stack;
  auth: JwtAuth;
  notesStack: NotesStack;
}

export function notesApp(app: App): NotesApp {
  const authStack = new Stack(app, 'NotesAuth', {
    description: 'serverless-jwt-auth for the notes example',
  });
  // Every prop is optional; a stage other than prod also leaves out the web ACL.
  const auth = new JwtAuth(authStack, 'Auth', {
    stageName: 'dev',
    // The role editor grants the scope POST /notes requires (npm run admin -- users grant-role).
    roles: { editor: ['notes:write'] },
  });
  const notesStack = new NotesStack(app, 'Notes', { auth });
  return { authStack, auth, notesStack };
}
