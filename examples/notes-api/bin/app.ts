/**
 * The notes example as a CDK app of its own (`cdk.json` runs this file):
 * one stack for serverless-jwt-auth, one for the notes APIs it guards.
 */
import { App } from 'aws-cdk-lib';
import { notesApp } from '../lib/app';

notesApp(new App());
